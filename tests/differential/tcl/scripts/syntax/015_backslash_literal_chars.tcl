puts "\\ \" \$ \[ \] \{ \}"
puts \$x
puts \[notcmd\]
puts a\ b
puts "\q\w\e"
