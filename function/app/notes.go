// The notes routes, served by the reference net/http function through lambdahttp's ServeMux.

package app

import (
	"net/http"
	"strings"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// maxNoteRunes is the longest note POST /notes accepts.
const maxNoteRunes = 280

// NotesMux returns the notes function's handler: typed net/http handlers
// on a lambdahttp.ServeMux, whose route keys (NotesRoutes) are the routes
// the stack deploys and whose operations describe them in the API's
// OpenAPI document. It serves API Gateway events (lambda.Start) and plain
// HTTP (http.ListenAndServe) alike.
func NotesMux() *lambdahttp.ServeMux {
	mux := lambdahttp.NewServeMux()
	lambdahttp.HandleJSON(mux, "GET /notes/{id}", getNote, lambdahttp.WithSummary("A note."))
	lambdahttp.HandleJSON(mux, "POST /notes", postNote, lambdahttp.WithStatus(http.StatusCreated), lambdahttp.WithSummary("Creates a note owned by the caller."))
	return mux
}

// NotesRoutes returns the route keys the notes function serves.
func NotesRoutes() []route.Key { return NotesMux().Keys() }

// Note is the body of the notes routes' answers.
type Note struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Owner string `json:"owner,omitempty"`
}

// NoteID is the path parameter of GET /notes/{id}.
type NoteID struct {
	ID string `path:"id" validate:"max=64"`
}

// getNote answers with a generated note: the reference app keeps no data.
func getNote(_ *http.Request, in NoteID) (Note, error) {
	return Note{ID: in.ID, Text: "note " + in.ID}, nil
}

// NewNote is the body of POST /notes.
type NewNote struct {
	Text string `json:"text" validate:"required,max=280"`
}

// Validate refuses a note of white space only, which the tag's required
// (not empty) lets through.
func (n *NewNote) Validate() error {
	if strings.TrimSpace(n.Text) == "" {
		return &lambdahttp.Error{Status: http.StatusUnprocessableEntity, Message: "text must not be only white space", Field: "text"}
	}
	return nil
}

// postNote creates a note owned by the caller: the subject of the JWT that
// API Gateway's authorizer verified. Without claims (a plain server, or a
// route deployed without the authorizer) it refuses with 401.
func postNote(r *http.Request, in NewNote) (Note, error) {
	ev, _ := lambdahttp.RequestFromContext(r.Context())
	if ev == nil || ev.Authorizer.JWTClaims["sub"] == "" {
		return Note{}, &lambdahttp.Error{Status: http.StatusUnauthorized, Message: "Unauthorized"}
	}
	return Note{ID: ev.RequestID, Text: in.Text, Owner: ev.Authorizer.JWTClaims["sub"]}, nil
}
