package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// maxNoteRunes is the longest note POST /notes accepts.
const maxNoteRunes = 280

// NotesMux returns the notes function's handler: plain net/http handlers
// on a lambdahttp.ServeMux, whose route keys (NotesRoutes) are the routes
// the stack deploys. It serves API Gateway events (lambda.Start) and plain
// HTTP (http.ListenAndServe) alike.
func NotesMux() *lambdahttp.ServeMux {
	mux := lambdahttp.NewServeMux()
	mux.HandleFunc("GET /notes/{id}", getNote)
	mux.HandleFunc("POST /notes", postNote)
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

// getNote answers with a generated note: the reference app keeps no data.
func getNote(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	writeJSON(w, http.StatusOK, Note{ID: id, Text: "note " + id})
}

// postNote creates a note owned by the caller: the subject of the JWT that
// API Gateway's authorizer verified. Without claims (a plain server, or a
// route deployed without the authorizer) it refuses with 401.
func postNote(w http.ResponseWriter, r *http.Request) {
	ev, _ := lambdahttp.RequestFromContext(r.Context())
	if ev == nil || ev.Authorizer.JWTClaims["sub"] == "" {
		writeJSON(w, http.StatusUnauthorized, message{Message: "Unauthorized"})
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4*maxNoteRunes)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, message{Message: "request body is not a JSON note: " + err.Error()})
		return
	}
	if text := strings.TrimSpace(in.Text); text == "" || utf8.RuneCountInString(text) > maxNoteRunes {
		writeJSON(w, http.StatusUnprocessableEntity, message{Message: fmt.Sprintf("text must have 1 to %d characters", maxNoteRunes)})
		return
	}
	writeJSON(w, http.StatusCreated, Note{ID: ev.RequestID, Text: in.Text, Owner: ev.Authorizer.JWTClaims["sub"]})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
