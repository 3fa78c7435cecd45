proc show {} { puts $missing }
proc outer {} { show }
outer
