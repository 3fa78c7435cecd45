puts
