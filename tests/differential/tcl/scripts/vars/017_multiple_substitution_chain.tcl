set name value
set ref name
puts [set $ref]
puts [set [set ref]]
set level2 ref
puts [set [set $level2]]
