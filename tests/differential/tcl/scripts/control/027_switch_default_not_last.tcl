# default is only special as the last pattern.
puts "<[switch x {default {set r D} x {set r X}}]>"
puts "<[switch x {default - y {set r fall}}]>"
puts "<[switch default {default {set r lit} x {set r X}}]>"
