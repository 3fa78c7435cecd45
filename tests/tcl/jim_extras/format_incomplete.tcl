foreach s {{format %} {format %5} {format "%-"} {format %l} {format "%5" 1} {format "a%"} {format "%ll" 1} {format %1$} {format %1$ 3}} { catch $s m; puts $m }
