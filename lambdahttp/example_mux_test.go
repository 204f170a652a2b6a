package lambdahttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
)

// A ServeMux declares a function's routes once: its handlers serve them,
// and its Keys are what the stack deploys (httpapi.Props.Routes or
// API.AddRoutes). The same ServeMux is a lambda.Handler for lambda.Start
// and an http.Handler for http.ListenAndServe or tests.
func ExampleServeMux() {
	mux := lambdahttp.NewServeMux()
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "note %s", r.PathValue("id"))
	})
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		// Behind a JWT authorizer, the claims come with the event.
		owner := "anonymous"
		if ev, ok := lambdahttp.RequestFromContext(r.Context()); ok && ev.Authorizer.JWTClaims["sub"] != "" {
			owner = ev.Authorizer.JWTClaims["sub"]
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "created for %s", owner)
	})
	mux.HandleFunc("/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "file %s", r.PathValue("path"))
	})

	fmt.Println(mux.Keys())

	// In main: lambda.Start(mux), or http.ListenAndServe(addr, mux).
	for _, target := range []string{"/notes/7", "/files/a/b.txt", "/files/"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(target, w.Code, w.Body)
	}
	// Output:
	// [GET /notes/{id} POST /notes ANY /files/{path+}]
	// /notes/7 200 note 7
	// /files/a/b.txt 200 file a/b.txt
	// /files/ 404 {"message":"Not Found"}
}
