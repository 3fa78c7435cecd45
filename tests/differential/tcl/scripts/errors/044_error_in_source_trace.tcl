puts before
source 044_helper_bad.inc
puts never
