# The phprun release image. GoReleaser (dockers_v2 in .goreleaser.yaml) builds it from the
# binaries it has already compiled: its build context holds linux/amd64/phprun and
# linux/arm64/phprun, and buildx sets TARGETPLATFORM to pick one. To build from source instead,
# use `make` or `go build`; this file is not meant for `docker build .` in a checkout.
#
# The image is PHP CLI plus phprun. Use it as a base for an app:
#   FROM ghcr.io/phprun/phprun:1
#   COPY . /app
# or take only the binary into an image of your own:
#   COPY --from=ghcr.io/phprun/phprun:1 /usr/local/bin/phprun /usr/local/bin/phprun
FROM php:8.3-cli

ARG TARGETPLATFORM
COPY $TARGETPLATFORM/phprun /usr/local/bin/phprun

WORKDIR /app
EXPOSE 8080 2114
# phprun drains in-flight requests on SIGTERM (/ready turns 503 first), then stops the workers.
STOPSIGNAL SIGTERM
CMD ["phprun", "serve", "--headless"]
