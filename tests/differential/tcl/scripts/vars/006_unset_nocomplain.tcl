unset -nocomplain nosuch
puts ok
set y 1
unset -nocomplain -- y
puts [info exists y]
unset -nocomplain
unset -- x
