info nosuchsub
