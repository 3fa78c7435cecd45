puts only
exit
puts never
