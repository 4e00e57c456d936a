#!/bin/sh
while true; do echo "working"; sleep 60; done
