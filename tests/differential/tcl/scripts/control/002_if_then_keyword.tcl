if 1 then {puts t}
if 0 then {puts no} else {puts e}
if 0 then {puts no} elseif 1 then {puts f}
