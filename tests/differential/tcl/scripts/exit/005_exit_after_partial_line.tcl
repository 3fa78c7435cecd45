puts -nonewline partial
exit 2
