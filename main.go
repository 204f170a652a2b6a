// Command httpapi-cdk is the CDK app of this repository: `cdk synth` runs it
// (see cdk.json) and it defines the reference stacks.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/httpapi-cdk/httpapi/cdkapp"
	"github.com/httpapi-cdk/httpapi/stacks"
)

func main() {
	cdkapp.Main(func(app awscdk.App) { stacks.NewApp(app) })
}
