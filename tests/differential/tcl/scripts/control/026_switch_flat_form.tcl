puts [switch a a {set r flat} b {set r other}]
puts [switch c a {set r flat} default {set r dflt}]
