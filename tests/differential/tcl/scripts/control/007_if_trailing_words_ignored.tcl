# Jim ignores unexpected words after a true branch was taken.
if 1 {puts taken} foo {}
