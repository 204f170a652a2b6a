package gofunction_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/cdkapp"
	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
)

func TestMain(m *testing.M) {
	os.Setenv("CDK_VALIDATION", "false")
	os.Exit(cdkapp.Run(m.Run))
}

// Build a Go main package into a Lambda function (arm64, provided.al2023).
func ExampleNew() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("MyService"), nil)
	fn := gofunction.New(stack, "Handler", &gofunction.Props{
		Package:     "github.com/httpapi-cdk/httpapi/function",
		MemorySize:  512,
		Timeout:     15 * time.Second,
		Environment: map[string]string{"TABLE": "orders"},
	})
	fmt.Println(fn.ImportPath())
	fmt.Println(*fn.Lambda().Architecture().Name())
	// Output:
	// github.com/httpapi-cdk/httpapi/function
	// arm64
}
