puts [regsub -all a banana X out]
puts $out
puts [regsub zz banana X out2]
puts $out2
