// The -iam-credentials flag and the AWS environment variables: the credentials IAM-authorized routes admit.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/httpapi-cdk/httpapi/local"
)

// iamFlags are the flags of IAM authorization.
type iamFlags struct {
	file *string
}

// addIAMFlags registers the IAM flags on fs.
func addIAMFlags(fs *flag.FlagSet) *iamFlags {
	return &iamFlags{file: fs.String("iam-credentials", "", "IAM-authorized routes admit requests signed (SigV4) with the credentials of this JSON `file`, "+
		"as `aws configure export-credentials --format process` writes them (default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)")}
}

// iamCredentialsFile is one set of credentials of -iam-credentials: the
// fields of a credential_process answer (Version 1, which `aws configure
// export-credentials --format process` writes), and the emulator's own
// UserArn and UserId for the event.
type iamCredentialsFile struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	AccountID       string `json:"AccountId"`
	UserARN         string `json:"UserArn"`
	UserID          string `json:"UserId"`
}

// credentials returns the credentials IAM-authorized routes admit: those
// of -iam-credentials (one object, or a list) when given, else those of
// the standard environment variables, if set. When api has such routes, it
// says on log where the credentials come from, or that without any every
// request to them is refused. The keys are never printed, only the access
// key ids.
func (f *iamFlags) credentials(api *local.API, getenv func(string) string, log func(string)) ([]local.IAMCredentials, error) {
	var creds []local.IAMCredentials
	var from string
	if *f.file != "" {
		doc, err := os.ReadFile(*f.file)
		if err != nil {
			return nil, fmt.Errorf("-iam-credentials: %w", err)
		}
		if creds, err = parseIAMCredentials(doc); err != nil {
			return nil, fmt.Errorf("-iam-credentials %s: %w", *f.file, err)
		}
		from = *f.file
	} else if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both, or neither")
		}
		creds = []local.IAMCredentials{{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"), AccountID: getenv("AWS_ACCOUNT_ID")}}
		from = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
	}
	if !slices.ContainsFunc(api.Routes, func(r local.Route) bool { return r.AuthorizationType == "AWS_IAM" }) {
		return creds, nil
	}
	if len(creds) == 0 {
		log("IAM-authorized routes answer 403 to every request: no credentials were given (-iam-credentials FILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
		return nil, nil
	}
	var ids []string
	for _, c := range creds {
		ids = append(ids, c.AccessKeyID)
	}
	log(fmt.Sprintf("IAM-authorized routes admit requests signed with access key %v (from %s); no IAM policy is evaluated", ids, from))
	return creds, nil
}

// parseIAMCredentials reads one set of credentials, or a list of them.
func parseIAMCredentials(doc []byte) ([]local.IAMCredentials, error) {
	var list []iamCredentialsFile
	doc = bytes.TrimSpace(doc)
	if bytes.HasPrefix(doc, []byte("[")) {
		if err := json.Unmarshal(doc, &list); err != nil {
			return nil, err
		}
	} else {
		var one iamCredentialsFile
		if err := json.Unmarshal(doc, &one); err != nil {
			return nil, err
		}
		list = []iamCredentialsFile{one}
	}
	if len(list) == 0 {
		return nil, errors.New("no credentials")
	}
	var creds []local.IAMCredentials
	for i, c := range list {
		if c.Version > 1 {
			return nil, fmt.Errorf("credentials %d: Version %d: want 1", i+1, c.Version)
		}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return nil, fmt.Errorf("credentials %d: AccessKeyId and SecretAccessKey are both required", i+1)
		}
		creds = append(creds, local.IAMCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
			AccountID: c.AccountID, UserARN: c.UserARN, UserID: c.UserID})
	}
	return creds, nil
}
