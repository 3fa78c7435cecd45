# jimsh does not set a global errorInfo variable when catch traps an error.
catch {error x}
puts [info exists ::errorCode]
puts [info exists ::errorInfo]
