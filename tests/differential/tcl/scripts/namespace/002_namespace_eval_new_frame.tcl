# In Jim, namespace eval runs its script in a new call frame.
namespace eval ns { set w 2; puts [info level] }
puts [info exists w]
puts [info exists ::ns::w]
