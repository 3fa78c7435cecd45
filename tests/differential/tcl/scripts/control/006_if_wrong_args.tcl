foreach s {{if} {if 1} {if 1 then} {if 0 {} elseif} {if 0 {} else} {if 0 {} else {} extra}} {
    catch $s m
    puts $m
}
