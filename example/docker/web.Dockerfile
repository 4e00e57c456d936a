# A Dockerfile outside its context (as compose and bake allow), with a build stage.
ARG REGISTRY
FROM busybox:latest AS assets
COPY public/ /assets/
RUN find /assets -type f | sort > /assets/index.txt

FROM ${REGISTRY}/base:latest
COPY --from=assets /assets /srv/www
CMD ["httpd", "-f", "-h", "/srv/www"]
