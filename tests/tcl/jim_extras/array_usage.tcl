catch {array exists} m; puts $m; catch {array exists a b c d} m; puts $m
catch {array get} m; puts $m; catch {array get a b c d} m; puts $m
catch {array names} m; puts $m; catch {array names a b c d} m; puts $m
catch {array set} m; puts $m; catch {array set a b c d} m; puts $m
catch {array size} m; puts $m; catch {array size a b c d} m; puts $m
catch {array stat} m; puts $m; catch {array stat a b c d} m; puts $m
catch {array unset} m; puts $m; catch {array unset a b c d} m; puts $m
