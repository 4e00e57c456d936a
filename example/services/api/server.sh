#!/bin/sh
greeting api
echo "api would listen on ${PORT}"
