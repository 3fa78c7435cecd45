set cmd {string toupper}
puts [{*}$cmd hello]
set l {puts expanded}
{*}$l
