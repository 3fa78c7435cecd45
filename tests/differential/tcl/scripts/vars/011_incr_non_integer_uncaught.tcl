set v abc
incr v
