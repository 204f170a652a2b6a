// Package openapi describes a route table's operations, and builds OpenAPI
// 3.0.3 documents from them. It has no dependency on the CDK: handler
// toolkits ([github.com/httpapi-cdk/httpapi/lambdahttp]) describe the
// routes they serve with its types, and the httpapi construct turns those
// descriptions, with what the stack knows (authorizers, stages, CORS),
// into a document per API.
package openapi

// Schema is an OpenAPI 3.0.3 Schema Object: the subset of JSON Schema that
// Go types and their validation tags can express. Zero fields are omitted.
type Schema struct {
	// Ref refers to a schema of the document's components, such as
	// "#/components/schemas/Error"; a Schema with Ref has no other field.
	Ref string `json:"$ref,omitempty"`
	// Type is "object", "array", "string", "integer", "number" or
	// "boolean"; "" for any value.
	Type string `json:"type,omitempty"`
	// Format refines Type: "int64", "double", "date-time", "byte".
	Format string `json:"format,omitempty"`
	// Nullable allows null.
	Nullable bool `json:"nullable,omitempty"`
	// Properties are an object's fields, by JSON name.
	Properties map[string]*Schema `json:"properties,omitempty"`
	// Required lists the properties an object must have.
	Required []string `json:"required,omitempty"`
	// AdditionalProperties is the schema of a map's values.
	AdditionalProperties *Schema `json:"additionalProperties,omitempty"`
	// Items is the schema of an array's elements.
	Items *Schema `json:"items,omitempty"`
	// Enum lists the allowed values.
	Enum []any `json:"enum,omitempty"`
	// Minimum and Maximum bound a number, inclusively.
	Minimum *float64 `json:"minimum,omitempty"`
	Maximum *float64 `json:"maximum,omitempty"`
	// MinLength and MaxLength bound a string's length in characters.
	MinLength *uint64 `json:"minLength,omitempty"`
	MaxLength *uint64 `json:"maxLength,omitempty"`
	// Pattern is a regular expression (ECMA 262) a string must match.
	Pattern string `json:"pattern,omitempty"`
	// MinItems and MaxItems bound an array's length.
	MinItems *uint64 `json:"minItems,omitempty"`
	MaxItems *uint64 `json:"maxItems,omitempty"`
	// Description says what the value is.
	Description string `json:"description,omitempty"`
}

// ErrorSchema is the schema of the JSON error body of the toolkit and of
// API Gateway: {"message": "...", "field": "...", "requestId": "..."},
// where field names the request value that failed validation (a JSON
// field path like "items[2].name", or a path or query parameter's name).
func ErrorSchema() *Schema {
	return &Schema{
		Type:     "object",
		Required: []string{"message"},
		Properties: map[string]*Schema{
			"message":   {Type: "string", Description: "What went wrong."},
			"field":     {Type: "string", Description: "The request value that failed validation: a JSON field path, or a path or query parameter."},
			"requestId": {Type: "string", Description: "API Gateway's request id."},
		},
	}
}
