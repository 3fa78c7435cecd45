puts [scan "a,b" {%[^,],%s}]
puts [scan "hello123" {%[a-z]%d}]
puts [scan "key=value" {%[^=]=%s}]
