set a 1; set b 2 ; set c 3;
puts "$a $b $c"
;;; puts "after empty commands"
puts [llength {a;b}]
puts a\;b
