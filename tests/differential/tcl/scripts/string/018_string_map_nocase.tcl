puts [string map -nocase {A x} aAa]
puts [string map -nocase {hello bye} "HeLLo World"]
puts [string map {A x} aAa]
