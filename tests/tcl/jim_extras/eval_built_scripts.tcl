# Where Jim keeps a script's source position and where it does not: quoted words,
# bare words starting with text, a variable or a command, braced bodies, and values
# made by list, concat, append, format, subst and string commands.
proc show {tag script} {
    catch {uplevel 1 [list eval $script]} m o
    puts "$tag: $m | [dict get $o -errorinfo]"
}
set x 1
set braced {
  error braced}
show braced $braced
set quoted "
  puts -nonewline {}
  error quoted$x
"
show quoted $quoted
show quoted-var-first "$braced"
show quoted-cmd-first "[set braced]"
show bare-text-first error\ bare$x
show bare-var-first $x[list error b]
show bare-cmd-first [set braced]$x
set fresh {
  error fresh}
show var-first-fresh $fresh$x
show list [list error listed]
show concat [concat error [list "concat $x"]]
set a "error"
append a " appended"
show append $a
show format [format "error %s" formatted]
show subst [subst {error subst$x}]
show map [string map {X mapped} "error X$x"]
show trim [string trim "  error trimmed$x  "]
show multi-arg-eval "error"
catch {eval "error" "two$x"} m o; puts "two args: $m | [dict get $o -errorinfo]"
catch {uplevel #0 "error up$x"} m o; puts "uplevel: $m | [dict get $o -errorinfo]"
catch {if 1 "error
  in-if$x"} m o; puts "if: $m | [dict get $o -errorinfo]"
proc q {} "
  error inq$x
"
catch {q} m o; puts "proc: $m | [dict get $o -errorinfo]"
set lst {
  {error one}
  "error two"
}
foreach c $lst { catch {eval $c} m o; puts "foreach: $m | [dict get $o -errorinfo]" }
catch {eval [lindex $lst 1]} m o; puts "lindex: $m | [dict get $o -errorinfo]"
# a value used as a list, then as a script, loses its position (and the reverse)
set shim {
  error shimmered}
llength $shim
catch {eval $shim} m o; puts "list then eval: $m | [dict get $o -errorinfo]"
set shim2 {
  error shimmered2}
catch {eval $shim2} m o
llength $shim2
catch {eval $shim2} m o; puts "eval, list, eval: $m | [dict get $o -errorinfo]"
set shim3 {
  error shimmered3}
catch {eval $shim3} m o
catch {eval $shim3$x} m o; puts "eval then var-first: $m | [dict get $o -errorinfo]"
puts [info source $braced]
puts [info source $shim]
puts [info source "a$x"]
puts [info source b$x]
puts [info source $fresh$x]
