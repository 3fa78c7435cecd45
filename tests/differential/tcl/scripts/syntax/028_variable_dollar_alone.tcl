puts $
puts "cost: $ 5"
puts a$
puts $-x
