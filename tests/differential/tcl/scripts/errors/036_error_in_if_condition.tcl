set x abc
if {$x > 1 && [nosuch]} { puts never }
