file nosuchsub x
