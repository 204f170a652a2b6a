// Command httpapi-cdk is the CDK app of this repository: `cdk synth` runs it
// (see cdk.json) and it defines the reference stacks.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/stacks"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stacks.NewApp(app)
	app.Synth(nil)
}
