// The ceiling for bench/run.sh: a bare node:http server that answers every request with the same
// 200 JSON body, about the size of a project document. No routing, no parsing, no database.
// Usage: node bench/bare-server.mjs [port]   (or BARE_PORT / PORT in the environment)
import http from 'node:http'

const port = Number(process.argv[2] ?? process.env.BARE_PORT ?? process.env.PORT ?? 5051)
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`bare-server: bad port '${process.argv[2] ?? process.env.BARE_PORT ?? process.env.PORT}'\n`)
  process.exit(2)
}

// Same shape and length (~310 bytes) as GET /v3/projects/{id} from projectplane.
const body = Buffer.from(
  JSON.stringify({
    project: {
      is_domain: false,
      description: 'bench',
      links: { self: `http://127.0.0.1:${port}/v3/projects/02368614f000eef930929d6ded00f2cd` },
      enabled: true,
      id: '02368614f000eef930929d6ded00f2cd',
      parent_id: '3bba339b17360279bf1865030ea02098',
      domain_id: '257c965b4e76ac826400999dd0326137',
      name: 'cn-north-4_bench',
    },
  }),
)
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(body.length),
}

const server = http.createServer((req, res) => {
  // Drain any request body (wrk sends none for GET) before answering.
  req.resume()
  res.writeHead(200, headers)
  res.end(body)
})

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`bare-server listening on http://127.0.0.1:${port} (body ${body.length} bytes)\n`)
})

const stop = () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
  setTimeout(() => process.exit(0), 1000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
