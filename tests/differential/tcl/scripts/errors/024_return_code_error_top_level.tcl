# An uncaught 'return -code error' at top level prints only the message.
puts before
return -code error "plain message"
