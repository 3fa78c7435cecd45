puts hello
puts -nonewline "no newline"
puts ""
puts stdout "to stdout"
puts -nonewline stdout "x"
puts -nonewline stdout "\n"
