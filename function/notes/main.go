// Command notes is the reference net/http function: plain http.Handlers on
// a lambdahttp.ServeMux (app.NotesMux), deployed behind the reference API's
// JWT authorizer with the ServeMux's own route keys. With -http it serves
// the same handler as a plain HTTP server, no AWS event in between:
//
//	go run ./function/notes -http 127.0.0.1:8080
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
)

func main() {
	addr := flag.String("http", "", "serve plain HTTP on this address instead of Lambda events")
	flag.Parse()
	mux := app.NotesMux()
	if *addr != "" {
		log.Fatal(http.ListenAndServe(*addr, mux))
	}
	lambda.Start(mux)
}
