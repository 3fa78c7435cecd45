source 008_helper_exit.inc
puts never
