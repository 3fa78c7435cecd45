array get
