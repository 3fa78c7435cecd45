# {*} only expands when it starts a word and is followed by more text.
puts [list {*}]
puts [llength [list x{*}y]]
