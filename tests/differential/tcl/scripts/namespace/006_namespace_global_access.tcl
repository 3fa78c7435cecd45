set ::gv 3
namespace eval ns5 { puts $::gv }
namespace eval ns5 { puts [catch {set gv} m]; puts $m }
