# geomap in a slim Python image: installs geomap as the README does and builds the seed map.
# Mirror of the README's `make map`: pip install the project, then `geomap build seeds --out output`.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY geomap ./geomap
COPY seeds ./seeds
RUN pip install --no-cache-dir . && geomap build seeds --out /tmp/warm && rm -rf /tmp/warm
ENTRYPOINT ["geomap"]
CMD ["build", "seeds", "--out", "output"]
