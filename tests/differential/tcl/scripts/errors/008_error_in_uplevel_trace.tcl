proc f {} { uplevel 1 {nosuchcmd} }
proc g {} { f }
g
