set a(hello\ world) hw
puts $a(hello\ world)
set key "hello world"
puts $a($key)
