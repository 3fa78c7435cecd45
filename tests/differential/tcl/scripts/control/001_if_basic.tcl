if 1 {puts a}
if 0 {puts never}
if 0 {puts no} else {puts b}
if 0 {puts no} elseif 1 {puts c}
if 0 {puts no} elseif 0 {puts no} else {puts d}
