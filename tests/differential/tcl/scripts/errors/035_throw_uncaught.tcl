throw error "uncaught throw"
