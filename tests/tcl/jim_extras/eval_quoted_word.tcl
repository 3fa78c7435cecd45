# A word built by substitution inside quotes keeps the line where it was written:
# an error in `eval $cmd` is reported there, with the eval line in the trace.
set x 1
set cmd "error \
   boom$x"


eval $cmd
