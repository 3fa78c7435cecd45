set cfg board/st_nucleo_f1.cfg
puts [file rootname [file tail $cfg]]
puts [file join [file dirname $cfg] .. target stm32f1x.cfg]
puts [file extension $cfg]
